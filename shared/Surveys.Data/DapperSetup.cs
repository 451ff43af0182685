using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Surveys.Data;

/// <summary>
/// Dapper with Microsoft.Data.Sqlite needs handlers for Guid and DateTimeOffset: both are stored as
/// text (Guid in its "D" form, times as UTC ISO-8601 "O", which sorts as text sorts). PostgreSQL keeps them
/// natively (uuid, timestamptz, always written in UTC), so for its parameters the handlers pass the value on
/// as it is. Dapper's handlers are process-wide, and a test process uses both engines, so the handlers look
/// at the parameter rather than at a setting.
/// </summary>
public static class DapperSetup
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(typeof(Guid), new GuidHandler());
        SqlMapper.AddTypeHandler(typeof(DateTimeOffset), new DateTimeOffsetHandler());
    }

    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    // ITypeHandler rather than TypeHandler<T>: a null parameter reaches it too, and PostgreSQL needs its type
    // (in "@x IS NULL OR column = @x" nothing else tells it).
    private sealed class GuidHandler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object value)
        {
            switch (parameter)
            {
                case NpgsqlParameter npgsql:
                    npgsql.NpgsqlDbType = NpgsqlDbType.Uuid;
                    npgsql.Value = value;
                    break;
                default:
                    parameter.DbType = DbType.String;
                    parameter.Value = value is Guid guid ? guid.ToString("D") : value;
                    break;
            }
        }

        public object Parse(Type destinationType, object value) => value switch
        {
            Guid guid => guid,
            string text => Guid.Parse(text),
            byte[] bytes => new Guid(bytes),
            _ => throw new DataException($"Cannot read a Guid from a value of type {value.GetType().Name}."),
        };
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object value)
        {
            switch (parameter)
            {
                case NpgsqlParameter npgsql:
                    npgsql.NpgsqlDbType = NpgsqlDbType.TimestampTz;
                    npgsql.Value = value is DateTimeOffset time ? time.ToUniversalTime() : value;
                    break;
                default:
                    parameter.DbType = DbType.String;
                    parameter.Value = value is DateTimeOffset at ? Format(at) : value;
                    break;
            }
        }

        public object Parse(Type destinationType, object value) => value switch
        {
            string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            DateTimeOffset time => time,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => throw new DataException($"Cannot read a time from a value of type {value.GetType().Name}."),
        };
    }
}
