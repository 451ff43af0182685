using Surveys.Portal;
using Surveys.Portal.Alerts;
using Surveys.Portal.Apis;
using Surveys.Portal.Components;
using Surveys.Portal.Pipeline;
using Surveys.Portal.Research;
using Surveys.Portal.SignIn;
using Surveys.Hosting;
using Surveys.Web.Security;
using Surveys.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section)
    .Validate(o => StaffTime.IsKnownZone(o.TimeZone), "Portal:TimeZone is not a time zone id this machine knows, such as Europe/London or Asia/Kolkata.")
    .ValidateOnStart();
builder.Services.AddSingleton<StaffTime>(); // times on every page, in the clinic's time zone
builder.AddPortalSignIn(); // one cookie for every role; passwords are checked by intake, which holds the accounts
builder.AddServiceApis(); // intake's and the notifier's JSON APIs, called as the signed-in person
builder.AddOperatorWork(); // the pipeline pages: services' readiness, the broker's management API and AMQP (RabbitMq__*)
builder.Services.AddRazorComponents();
builder.Services.AddStaffPages(); // the one service with staff pages: the staff cookie and sign-in redirects
builder.Services.AddCascadingAuthenticationState();

var app = builder.Build();

app.MapServiceDefaults();
app.MapAssets();
app.MapSignOut();
app.MapAlertsLatest(); // the alerts page asks it whether new alerts have arrived
app.MapResearchDownloads(); // files streamed from intake: a page cannot stream a file
app.MapRazorComponents<App>();

app.Run();

public partial class Program; // public for the functional tests (WebApplicationFactory<Program>)
