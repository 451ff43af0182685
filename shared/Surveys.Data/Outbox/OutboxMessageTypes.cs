using System.Text.Json;
using Surveys.Contracts;

namespace Surveys.Data.Outbox;

/// <summary>The message types an outbox row may hold: the public records of Surveys.Contracts.</summary>
internal static class OutboxMessageTypes
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Dictionary<string, Type> ByName = typeof(SurveySubmitted).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == typeof(SurveySubmitted).Namespace && t.IsClass)
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);
}
