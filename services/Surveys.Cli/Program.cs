// The operators' console. This file is only the table of contents: each command lives in Commands/.
using System.CommandLine;
using Surveys.Cli.Commands;

var root = new RootCommand("Surveys operators' console.")
{
    ScoreCommand.Create(),
    InstrumentsCommand.Create(),
    BackupCommand.Create(),
    LoginCommand.Create(),
    UsersCommand.Create(),
    StatusCommand.Create(),
    ErrorsCommand.Create(),
    LoadCommand.Create(),
    ExportCommand.Create(),
    ReportCommand.Create(),
};

return root.Parse(args).Invoke();
