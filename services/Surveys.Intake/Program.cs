using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Hosting;
using Surveys.ServiceDefaults.Instruments;
using Surveys.ServiceDefaults.Messaging;
using Surveys.ServiceDefaults.Outbox;
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
builder.Services.AddRazorComponents(); // the patient pages and the outcomes report are Razor components, rendered on the server
// Intake serves no staff pages: its components are rendered by its own routes (RazorComponentResult, which needs no
// prerenderer). StaffAuth takes a registered IComponentPrerenderer as the sign of staff pages (cookie sign-in, redirects),
// so it is taken away again, and staff requests here keep getting 401 problem details.
builder.Services.RemoveAll<IComponentPrerenderer>();

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
