using Surveys.Notifier.Alerts;
using Microsoft.Extensions.Options;
using Surveys.Notifier.Delivery;
using Surveys.Notifier.Scores;
using Surveys.Data.Audit;
using Surveys.Data;
using Surveys.Hosting;
using Surveys.Instruments;
using Surveys.Hosting.Messaging;
using Surveys.Data.Outbox;
using Surveys.Web.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddStore("notifier.db", typeof(AlertStore).Assembly);
builder.AddOutbox();
builder.AddSurveysBus("notifier", bus =>
{
    bus.AddConsumer<SurveyScoredConsumer>();
    bus.AddConsumer<InvitationExpiredConsumer>();
});
builder.AddInstruments();
builder.AddAudit();
builder.Services.AddSingleton<AlertStore>();
builder.Services.AddSingleton<ScoreHistoryStore>();
builder.Services.AddSingleton<AlertRules>();
builder.Services.AddOptions<NotifierOptions>().BindConfiguration(NotifierOptions.Section);
// Bearer sessions are checked against the account, which intake holds (docs/security.md). Staff pages are the portal's.
builder.Services.AddHttpClient(RemoteAccountCheck.ClientName, (services, http) =>
    http.BaseAddress = services.GetRequiredService<IOptions<NotifierOptions>>().Value.IntakeUrl);
builder.Services.AddAccountCheck<RemoteAccountCheck>();
builder.AddAlertDelivery();
builder.AddAlertWatch(); // urgent alerts past the last escalation level, for operators

var app = builder.Build();

app.MapServiceDefaults();
app.MapAuditApi();
app.MapAlertsApi();
app.MapScoresApi();
app.MapAlertSummary();
app.MapAlertDelivery();
app.MapOldInboxLinks(); // links in messages sent before the portal lead to it

app.Run();

public partial class Program; // public for the functional tests (WebApplicationFactory<Program>)
