using Surveys.Scoring.Data;
using Surveys.Scoring.Scoring;
using Surveys.ServiceDefaults.Data;
using Surveys.ServiceDefaults.Hosting;
using Surveys.ServiceDefaults.Instruments;
using Surveys.ServiceDefaults.Messaging;
using Surveys.ServiceDefaults.Outbox;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddStore("scoring.db", typeof(ScoreStore).Assembly);
builder.AddOutbox();
builder.AddSurveysBus("scoring", bus => bus.AddConsumer<ScoreSubmissionConsumer>());
builder.AddInstruments();
builder.Services.AddSingleton<ScoreStore>();

var app = builder.Build();

// The worker's small HTTP host: health and the OpenAPI document only.
app.MapServiceDefaults();

app.Run();

public partial class Program; // public for the functional tests (WebApplicationFactory<Program>)
