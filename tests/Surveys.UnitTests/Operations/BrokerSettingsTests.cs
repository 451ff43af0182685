using Surveys.Operations;

namespace Surveys.UnitTests.Operations;

/// <summary>The console and the portal read the broker from the services' own RabbitMq keys, through one reader.</summary>
public class BrokerSettingsTests
{
    [Test]
    public void Unset_keys_take_the_services_defaults()
    {
        var settings = BrokerSettings.FromSettings(_ => null);

        Assert.Multiple(() =>
        {
            Assert.That(settings.ManagementUrl, Is.EqualTo(new Uri("http://127.0.0.1:15672/")));
            Assert.That(settings.AmqpUrl, Is.EqualTo(new Uri("amqp://localhost:5672")));
            Assert.That(settings.VirtualHost, Is.EqualTo("/"));
            Assert.That(settings.UserName, Is.EqualTo("guest"));
            Assert.That(settings.Password, Is.EqualTo("guest"));
        });
    }

    [Test]
    public void Each_key_is_read_by_its_services_name()
    {
        var keys = new Dictionary<string, string>
        {
            ["ManagementUrl"] = "https://mq.example.org:15671/",
            ["Host"] = "rabbit1",
            ["Port"] = "5671",
            ["VirtualHost"] = "surveys",
            ["Username"] = "surveys-operator",
            ["Password"] = "s3cret",
        };

        var settings = BrokerSettings.FromSettings(key => keys.GetValueOrDefault(key));

        Assert.Multiple(() =>
        {
            Assert.That(settings.ManagementUrl, Is.EqualTo(new Uri("https://mq.example.org:15671/")));
            Assert.That(settings.AmqpUrl, Is.EqualTo(new Uri("amqp://rabbit1:5671")));
            Assert.That(settings.VirtualHost, Is.EqualTo("surveys"));
            Assert.That(settings.UserName, Is.EqualTo("surveys-operator"));
            Assert.That(settings.Password, Is.EqualTo("s3cret"));
        });
    }

    [TestCase("ManagementUrl", "not a url")]
    [TestCase("Port", "amqp")]
    [TestCase("Port", "70000")]
    public void A_malformed_value_is_refused_with_its_key_named(string key, string value)
    {
        var error = Assert.Throws<FormatException>(() => BrokerSettings.FromSettings(k => k == key ? value : null));
        Assert.That(error!.Message, Does.Contain(key).And.Contain(value));
    }
}
