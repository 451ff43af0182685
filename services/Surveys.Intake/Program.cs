using Surveys.Intake;
using Surveys.Intake.Data;
using Surveys.Intake.Invitations;
using Surveys.Intake.Patients;
using Surveys.Intake.Responses;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Hosting;
using Surveys.ServiceDefaults.Instruments;
using Surveys.ServiceDefaults.Messaging;
using Surveys.ServiceDefaults.Outbox;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSqliteStore("intake.db", typeof(IntakeStore).Assembly);
builder.AddOutbox();
builder.AddSurveysBus("intake", bus => bus.AddConsumer<SurveyScoredConsumer>());
builder.AddInstruments();
builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
builder.Services.AddSingleton<IntakeStore>();

var app = builder.Build();

app.MapServiceDefaults();
app.MapPatientsApi();
app.MapInvitationsApi();
app.MapResponsesApi();

app.Run();
