using Surveys.Intake;
using Surveys.Intake.Data;
using Surveys.Intake.Delivery;
using Surveys.Intake.Fhir;
using Surveys.Intake.Outcomes;
using Surveys.Intake.Research;
using Surveys.Intake.Responses;
using Surveys.Intake.Scheduling;
using Surveys.Intake.Staff;
using Surveys.Intake.Survey;
using Surveys.Data;
using Surveys.Hosting;
using Surveys.Instruments;
using Surveys.Hosting.Messaging;
using Surveys.Data.Outbox;
using Surveys.ServiceDefaults.Pages;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddStore("intake.db", typeof(IntakeStore).Assembly);
builder.AddOutbox();
builder.AddSurveysBus("intake", bus => bus.AddConsumer<SurveyScoredConsumer>());
builder.AddInstruments();
builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
builder.Services.AddSingleton<IntakeStore>();
builder.Services.AddSingleton<SurveyStore>();
builder.AddStaff();
builder.AddFollowUp();
builder.AddDeliveryChecks(); // outside Development no invitation goes to the development outbox
builder.AddFhir();
builder.AddResearch();
builder.AddOutcomes();

var app = builder.Build();

app.MapServiceDefaults();
app.MapAssets();
app.MapStaff();
app.MapFollowUp();
app.MapResponsesApi();
app.MapSurveyPages();
app.MapFhir();
app.MapResearch();
app.MapOutcomes();

app.Run();
