using System.Text;

namespace Surveys.UnitTests.Outcomes;

/// <summary>A strict RFC 4180 reader written for the tests (independent of the writer): CRLF rows, quoted fields, doubled quotes.</summary>
internal static class Rfc4180
{
    public static IEnumerable<List<string>> Read(TextReader reader)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case '"':
                    throw new FormatException("A quote inside an unquoted field.");
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '\r':
                    if (reader.Read() != '\n')
                    {
                        throw new FormatException("CR not followed by LF outside quotes.");
                    }

                    row.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    yield return row;
                    row = [];
                    break;
                case '\n':
                    throw new FormatException("A bare LF ends a row: rows must end with CRLF.");
                default:
                    if (wasQuoted)
                    {
                        throw new FormatException("Text after a closing quote.");
                    }

                    field.Append((char)c);
                    break;
            }
        }

        if (quoted || field.Length > 0 || row.Count > 0)
        {
            throw new FormatException("The last row does not end with CRLF.");
        }
    }
}
