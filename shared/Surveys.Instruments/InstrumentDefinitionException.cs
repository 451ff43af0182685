namespace Surveys.Instruments;

/// <summary>
/// A definition file is broken. <see cref="Exception.Message"/> reads "&lt;source&gt;: &lt;fault&gt;",
/// e.g. "definitions/phq9.json: item '3' option values must be distinct".
/// </summary>
public sealed class InstrumentDefinitionException : Exception
{
    public InstrumentDefinitionException()
        : this("(unknown)", "invalid instrument definition")
    {
    }

    public InstrumentDefinitionException(string message)
        : base(message)
    {
        Source = string.Empty;
        Fault = message;
    }

    public InstrumentDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = string.Empty;
        Fault = message;
    }

    public InstrumentDefinitionException(string source, string fault, Exception? innerException = null)
        : base(source + ": " + fault, innerException)
    {
        Source = source;
        Fault = fault;
    }

    /// <summary>The file (or embedded resource name) that holds the broken definition.</summary>
    public new string Source { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Fault { get; }
}
