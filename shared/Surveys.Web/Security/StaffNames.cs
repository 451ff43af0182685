using System.Text.RegularExpressions;

namespace Surveys.Web.Security;

/// <summary>Staff user names: 2 to 64 lower-case letters, digits, dots, dashes or underscores.</summary>
public static partial class StaffNames
{
    public const string Rule = "Use 2 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex Pattern();

    public static bool IsWellFormed(string? userName) => userName is not null && Pattern().IsMatch(userName);
}
