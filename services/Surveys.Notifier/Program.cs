using Surveys.Notifier.Alerts;
using Surveys.Notifier.Data;
using Surveys.Notifier.Scores;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Hosting;
using Surveys.ServiceDefaults.Instruments;
using Surveys.ServiceDefaults.Messaging;
using Surveys.ServiceDefaults.Outbox;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSqliteStore("notifier.db", typeof(NotifierStore).Assembly);
builder.AddOutbox();
builder.AddSurveysBus("notifier", bus =>
{
    bus.AddConsumer<SurveyScoredConsumer>();
    bus.AddConsumer<InvitationExpiredConsumer>();
});
builder.AddInstruments();
builder.AddAudit();
builder.Services.AddSingleton<NotifierStore>();
builder.Services.AddSingleton<AlertRules>();

var app = builder.Build();

app.MapServiceDefaults();
app.MapAuditApi();
app.MapAlertsApi();

app.Run();
