// The system suite: every test here runs real processes (the services, RabbitMQ, PostgreSQL, Chromium, nginx).
// The fast functional tier (tests/Surveys.Intake.Tests and the like) runs without them: docs/testing.md.
[assembly: Category("System")]
