using Surveys.Intake;
using Surveys.Intake.Data;
using Surveys.Intake.Invitations;
using Surveys.Intake.Patients;
using Surveys.Intake.Responses;
using Surveys.Intake.Staff;
using Surveys.ServiceDefaults.Audit;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Hosting;
using Surveys.ServiceDefaults.Instruments;
using Surveys.ServiceDefaults.Messaging;
using Surveys.ServiceDefaults.Outbox;
using Surveys.ServiceDefaults.Pages;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSqliteStore("intake.db", typeof(IntakeStore).Assembly);
builder.AddOutbox();
builder.AddSurveysBus("intake", bus => bus.AddConsumer<SurveyScoredConsumer>());
builder.AddInstruments();
builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
builder.AddAudit();
builder.Services.AddSingleton<IntakeStore>();
builder.Services.AddSingleton<StaffStore>();
builder.Services.AddSingleton<StaffAccounts>();
builder.Services.AddHostedService<BootstrapAdmin>();

var app = builder.Build();

app.MapServiceDefaults();
app.MapStylesheet();
app.MapSignInPages();
app.MapAuthApi();
app.MapUsersApi();
app.MapAuditApi();
app.MapPatientsApi();
app.MapInvitationsApi();
app.MapResponsesApi();

app.Run();
