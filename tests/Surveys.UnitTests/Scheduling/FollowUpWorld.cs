using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Data.Outbox;
using Surveys.Instruments;
using Surveys.Intake;
using Surveys.Intake.Delivery;
using Surveys.Intake.Invitations;
using Surveys.Intake.Patients;
using Surveys.Intake.Scheduling;
using Surveys.Intake.Submissions;
using Surveys.UnitTests.Data;

namespace Surveys.UnitTests.Scheduling;

/// <summary>
/// Intake's follow-up pieces on a real database (a SQLite file, or a PostgreSQL database) and a fake clock, built
/// the way the host builds them. Each <see cref="Instance"/> is one intake process: its own Db, outbox, scheduler
/// and protector.
/// </summary>
internal sealed class FollowUpWorld : IDisposable
{
    public static readonly InstrumentCatalog Instruments = InstrumentCatalog.LoadEmbedded();

    private readonly TestStorage _storage;

    public FollowUpWorld(DateTimeOffset start, StorageEngine engine = StorageEngine.Sqlite)
    {
        _storage = TestStorage.Create(engine);
        Directory = _storage.Directory;
        Time = new FakeTimeProvider(start);
        Protocols = ProtocolCatalog.LoadEmbedded(Instruments);
        var first = NewInstance();
        new Migrator(first.Db, NullLogger<Migrator>.Instance).MigrateAsync(StorageTests.Modules(typeof(IntakeOptions).Assembly)).GetAwaiter().GetResult();
        Main = first;
    }

    public string Directory { get; }

    public FakeTimeProvider Time { get; }

    public ProtocolCatalog Protocols { get; }

    public Instance Main { get; }

    public IntakeOptions IntakeOptions { get; } = new() { PublicBaseUrl = new Uri("https://surveys.example.org/") };

    public InvitationDeliveryOptions DeliveryOptions { get; } = new();

    public Instance NewInstance() => new(this);

    public async Task<Guid> EnrolAsync(string indexDate, string timeZone = "Asia/Kolkata", string protocol = "t1d-followup", params PatientContact[] contacts)
    {
        var id = Guid.NewGuid();
        await new PatientStore(Main.Db).CreatePatientAsync(
            new PatientDetails(id, "Test Person", "en", timeZone, indexDate, protocol, Time.GetUtcNow(), contacts.Length == 0 ? [new PatientContact("email", "p@example.org")] : contacts),
            CancellationToken.None);
        return id;
    }

    /// <summary>The test's SQL for this engine, where the two differ.</summary>
    public string Sql(string sqlite, string postgres) => Main.Db.Sql(sqlite, postgres);

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = await Main.Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Main.Db.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>Answers an invitation the way POST /api/responses does (same store method).</summary>
    public async Task AnswerAsync(Guid invitationId, Guid patientId, string instrument)
    {
        var outcome = await Main.Submissions.AcceptSubmissionAsync(
            new SurveySubmitted(Guid.NewGuid(), invitationId, patientId, instrument, "1.0.0", new Dictionary<string, decimal?>(), Time.GetUtcNow()),
            CancellationToken.None);
        Assert.That(outcome, Is.EqualTo(AcceptOutcome.Accepted));
    }

    public void Dispose()
    {
        _storage.Dispose();
    }

    internal sealed class Instance
    {
        public Instance(FollowUpWorld world)
        {
            Db = world._storage.Open("intake.db", synchronous: "OFF");
            Outbox = new MessageOutbox(world.Time);
            Schedule = new ScheduleStore(Db, Outbox, world.Time);
            Deliveries = new DeliveryStore(Db);
            Queue = new Surveys.Delivery.Deliveries(Db, world.Time, NullLogger<Surveys.Delivery.Deliveries>.Instance);
            Invitations = new InvitationStore(Db);
            Submissions = new SubmissionStore(Db, Outbox);
            Protector = new LinkProtector(DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(world.Directory, "keys"))));
            Signal = new DeliverySignal();
            Scheduler = new FollowUpScheduler(Schedule, world.Protocols, Instruments, Protector, Signal, world.Time, NullLogger<FollowUpScheduler>.Instance);
            Resender = new InvitationResender(Schedule, Protector, Signal, world.Time);
            World = world;
        }

        public FollowUpWorld World { get; }

        public Db Db { get; }

        public MessageOutbox Outbox { get; }

        public ScheduleStore Schedule { get; }

        public DeliveryStore Deliveries { get; }

        public Surveys.Delivery.Deliveries Queue { get; }

        public InvitationStore Invitations { get; }

        public SubmissionStore Submissions { get; }

        public LinkProtector Protector { get; }

        public DeliverySignal Signal { get; }

        public FollowUpScheduler Scheduler { get; }

        public InvitationResender Resender { get; }

        public DeliveryProcessor Processor(params Surveys.Delivery.IMessageSender[] senders) => new(
            Queue, Deliveries, Protector, new Surveys.Delivery.MessageSenders(senders), Options.Create(World.DeliveryOptions), Options.Create(World.IntakeOptions),
            Options.Create(new ClinicOptions { ClinicName = "Riverside Clinic" }), World.Time, NullLogger<DeliveryProcessor>.Instance);
    }
}
