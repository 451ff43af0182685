using Surveys.Scoring.Scoring;
using Surveys.Data;
using Surveys.Hosting;
using Surveys.Instruments;
using Surveys.Hosting.Messaging;
using Surveys.Data.Outbox;

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
