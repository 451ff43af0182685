using Surveys.Data;
using Surveys.Data.Outbox;
using Surveys.Hosting;
using Surveys.Hosting.Messaging;
using Surveys.Instruments;
using Surveys.Intake;
using Surveys.Intake.Delivery;
using Surveys.Intake.Fhir;
using Surveys.Intake.Invitations;
using Surveys.Intake.Outcomes;
using Surveys.Intake.Patients;
using Surveys.Intake.Research;
using Surveys.Intake.Scheduling;
using Surveys.Intake.Staff;
using Surveys.Intake.Submissions;
using Surveys.Intake.Survey;
using Surveys.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddStore("intake.db", typeof(IntakeOptions).Assembly);
builder.AddOutbox();
builder.AddSurveysBus("intake", bus => bus.AddConsumer<SurveyScoredConsumer>());
builder.AddInstruments();
builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
builder.AddStaff();
builder.AddPatients();
builder.AddInvitations();
builder.AddSubmissions();
builder.Services.AddSingleton<SurveyStore>();
builder.AddFollowUp();
builder.AddInvitationDelivery();
builder.AddFhir();
builder.AddResearch();
builder.AddOutcomes();
builder.Services.AddRazorComponents(); // the patient pages and the outcomes report are Razor components, rendered on the server

var app = builder.Build();

app.MapServiceDefaults();
app.MapAssets();
app.MapStaff();
app.MapPatients();
app.MapInvitations();
app.MapSubmissions();
app.MapInvitationDelivery();
app.MapSurveyPages();
app.MapFhir();
app.MapResearch();
app.MapOutcomes();

app.Run();

public partial class Program; // public for the functional tests (WebApplicationFactory<Program>)
