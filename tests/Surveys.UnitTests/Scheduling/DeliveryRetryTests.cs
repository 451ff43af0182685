using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Surveys.Delivery;

namespace Surveys.UnitTests.Scheduling;

/// <summary>The delivery module's one retry policy and its development-outbox rule, which both services use.</summary>
public class DeliveryRetryTests
{
    [Test]
    public void A_failed_message_waits_30_seconds_then_twice_as_long_each_time_up_to_the_cap()
    {
        var cap = TimeSpan.FromMinutes(15);
        var delays = Enumerable.Range(1, 8).Select(attempt => DeliveryRetry.Delay(attempt, cap)).ToList();
        Assert.That(delays, Is.EqualTo(new[]
        {
            TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8),
            cap, cap, cap,
        }));
        Assert.That(DeliveryRetry.Delay(1000, TimeSpan.FromHours(1)), Is.EqualTo(TimeSpan.FromHours(1)), "no overflow however many attempts");
    }

    [Test]
    public void A_message_is_given_up_after_its_last_allowed_attempt_and_never_before_the_first()
    {
        Assert.That(DeliveryRetry.GiveUp(9, 10), Is.False);
        Assert.That(DeliveryRetry.GiveUp(10, 10), Is.True);
        Assert.That(DeliveryRetry.GiveUp(1, 0), Is.True, "a setting of 0 still allows one attempt");
    }

    [TestCase("Development", true)]
    [TestCase("Production", false)]
    [TestCase("Staging", false)]
    public void The_development_outbox_is_allowed_only_in_development(string environment, bool allowed)
    {
        Assert.That(DevelopmentOutbox.Allowed(new Environment(environment)), Is.EqualTo(allowed));
        Assert.That(DevelopmentOutbox.IsOutbox(" Outbox "), Is.True);
        Assert.That(DevelopmentOutbox.IsOutbox("smtp"), Is.False);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "test";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
