using System.Globalization;

namespace Surveys.Intake.Delivery;

/// <summary>
/// What a patient receives: the clinic's name, a neutral sentence and the link. Never an instrument's name,
/// a score or anything else that would tell a reader of the phone's lock screen about a condition. One message
/// tells about every questionnaire of a visit (those due together): <c>count</c> of them, reached through one link.
/// </summary>
public static class MessageText
{
    public static (string Subject, string Text) Build(string kind, string language, string clinicName, Uri link, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var reminder = string.Equals(kind, DeliveryKinds.Reminder, StringComparison.Ordinal);
        var n = count.ToString(CultureInfo.InvariantCulture);
        if (string.Equals(language, "hi", StringComparison.Ordinal))
        {
            return (reminder, count) switch
            {
                (true, 1) => ($"{clinicName}: अनुस्मारक", $"{clinicName}: आपकी प्रश्नावली अभी भी आपका इंतज़ार कर रही है। अपना निजी लिंक खोलें:\n{link}\nयह लिंक केवल आपके लिए है।"),
                (true, _) => ($"{clinicName}: अनुस्मारक", $"{clinicName}: आपकी {n} प्रश्नावलियाँ अभी भी आपका इंतज़ार कर रही हैं। अपना निजी लिंक खोलें:\n{link}\nयह लिंक केवल आपके लिए है।"),
                (false, 1) => ($"{clinicName}: आपके लिए एक प्रश्नावली", $"{clinicName}: आपके लिए एक नई प्रश्नावली है। अपना निजी लिंक खोलें:\n{link}\nयह लिंक केवल आपके लिए है।"),
                (false, _) => ($"{clinicName}: आपके लिए {n} प्रश्नावलियाँ", $"{clinicName}: आपके लिए {n} नई प्रश्नावलियाँ हैं। अपना निजी लिंक खोलें:\n{link}\nयह लिंक केवल आपके लिए है।"),
            };
        }

        return (reminder, count) switch
        {
            (true, 1) => ($"{clinicName}: a reminder", $"{clinicName}: a reminder that a short questionnaire is waiting for you. Open your personal link:\n{link}\nThis link is for you only."),
            (true, _) => ($"{clinicName}: a reminder", $"{clinicName}: a reminder that {n} short questionnaires are waiting for you. Open your personal link:\n{link}\nThis link is for you only."),
            (false, 1) => ($"{clinicName}: a questionnaire for you", $"{clinicName}: a short questionnaire is waiting for you. Open your personal link:\n{link}\nThis link is for you only."),
            (false, _) => ($"{clinicName}: questionnaires for you", $"{clinicName}: {n} short questionnaires are waiting for you. Open your personal link:\n{link}\nThis link is for you only."),
        };
    }
}

public static class DeliveryKinds
{
    public const string Invitation = "invitation";
    public const string Reminder = "reminder";
}
