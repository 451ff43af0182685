namespace Surveys.Intake.Delivery;

/// <summary>
/// What a patient receives: the clinic's name, a neutral sentence and the link. Never an instrument's name,
/// a score or anything else that would tell a reader of the phone's lock screen about a condition.
/// </summary>
public static class MessageText
{
    public static (string Subject, string Text) Build(string kind, string language, string clinicName, Uri link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var reminder = string.Equals(kind, DeliveryKinds.Reminder, StringComparison.Ordinal);
        if (string.Equals(language, "hi", StringComparison.Ordinal))
        {
            return reminder
                ? ($"{clinicName}: अनुस्मारक", $"{clinicName}: आपकी प्रश्नावली अभी भी आपका इंतज़ार कर रही है। अपना निजी लिंक खोलें:\n{link}\nयह लिंक केवल आपके लिए है।")
                : ($"{clinicName}: आपके लिए एक प्रश्नावली", $"{clinicName}: आपके लिए एक नई प्रश्नावली है। अपना निजी लिंक खोलें:\n{link}\nयह लिंक केवल आपके लिए है।");
        }

        return reminder
            ? ($"{clinicName}: a reminder", $"{clinicName}: a reminder that a short questionnaire is waiting for you. Open your personal link:\n{link}\nThis link is for you only.")
            : ($"{clinicName}: a questionnaire for you", $"{clinicName}: a short questionnaire is waiting for you. Open your personal link:\n{link}\nThis link is for you only.");
    }
}

public static class DeliveryKinds
{
    public const string Invitation = "invitation";
    public const string Reminder = "reminder";
}
