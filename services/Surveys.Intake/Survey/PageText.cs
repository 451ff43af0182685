using System.Globalization;

namespace Surveys.Intake.Survey;

/// <summary>
/// The survey pages' own words (buttons, messages, hints), in English and Hindi. Instrument texts
/// come from the definitions and stay English until a validated translation is added there. The
/// Hindi chrome was written for this project and should be reviewed by a native speaker before use.
/// </summary>
public sealed class PageText
{
    public required string Language { get; init; }
    public required string SkipLink { get; init; }
    public required string StartNow { get; init; }
    public required string Continue { get; init; }
    public required string Back { get; init; }
    public required string QuestionOf { get; init; }
    public required string Optional { get; init; }
    public required string NotAnswered { get; init; }
    public required string CheckTitle { get; init; }
    public required string CheckIntro { get; init; }
    public required string Change { get; init; }
    public required string SendAnswers { get; init; }
    public required string ProblemTitle { get; init; }
    public required string ErrorPrefix { get; init; }
    public required string SelectAnswer { get; init; }
    public required string WholeNumber { get; init; }
    public required string DecimalNumber { get; init; }
    public required string AnswerRequiredOnCheck { get; init; }
    public required string EnglishOnly { get; init; }
    public required string SentTitle { get; init; }
    public required string SentBody { get; init; }
    public required string SentClose { get; init; }
    public required string AnsweredTitle { get; init; }
    public required string AnsweredBody { get; init; }
    public required string ExpiredTitle { get; init; }
    public required string ExpiredBody { get; init; }
    public required string ReplacedTitle { get; init; }
    public required string ReplacedBody { get; init; }
    public required string UnknownTitle { get; init; }
    public required string UnknownBody { get; init; }
    public required string SessionTitle { get; init; }
    public required string SessionBody { get; init; }
    public required string IntroQuestions { get; init; }
    public required string IntroSaved { get; init; }
    public required string AnsweredSoFar { get; init; }
    public required string ContinueWhereStopped { get; init; }

    // Questionnaires due together (one message, one link): the list on their pages and the next one after sending.
    public required string DueTogether { get; init; }
    public required string Done { get; init; }
    public required string NotDone { get; init; }
    public required string ThisOne { get; init; }
    public required string NextTitle { get; init; }
    public required string AnswerNext { get; init; }

    // How to reach people (PatientHelp): {0}, {1} stand for a number (a tel: link) or the generic phrase below.
    public required string NotReadStraightAway { get; init; }
    public required string ReadWithinOneDay { get; init; }
    public required string ReadWithinDays { get; init; }
    public required string ReadOnWorkingDays { get; init; }
    public required string HelpSooner { get; init; }
    public required string Warning { get; init; }
    public required string HelpNow { get; init; }
    public required string CallClinic { get; init; }
    public required string CallOutOfHours { get; init; }
    public required string CallEmergency { get; init; }
    public required string AnyClinicPhone { get; init; }
    public required string AnyOutOfHoursPhone { get; init; }
    public required string AnyEmergencyNumber { get; init; }

    public string Intro(int questions) => string.Format(CultureInfo.InvariantCulture, IntroQuestions, questions);

    public string Progress(int answered, int total) => string.Format(CultureInfo.InvariantCulture, AnsweredSoFar, answered, total);

    public string DueTogetherCount(int count) => string.Format(CultureInfo.InvariantCulture, DueTogether, count);

    public string Question(int number, int total) => string.Format(CultureInfo.InvariantCulture, QuestionOf, number, total);

    public string WholeNumberHint(decimal min, decimal max) => string.Format(CultureInfo.InvariantCulture, WholeNumber, min, max);

    public string DecimalNumberHint(decimal min, decimal max) => string.Format(CultureInfo.InvariantCulture, DecimalNumber, min, max);

    public static readonly PageText English = new()
    {
        Language = "en",
        SkipLink = "Skip to main content",
        StartNow = "Start now",
        Continue = "Continue",
        Back = "Back",
        QuestionOf = "Question {0} of {1}",
        Optional = "(optional)",
        NotAnswered = "Not answered",
        CheckTitle = "Check your answers before sending them",
        CheckIntro = "You can change any answer before you send them.",
        Change = "Change",
        SendAnswers = "Send answers",
        ProblemTitle = "There is a problem",
        ErrorPrefix = "Error: ",
        SelectAnswer = "Select an answer",
        WholeNumber = "Enter a whole number from {0} to {1}",
        DecimalNumber = "Enter a number from {0} to {1}, with at most one decimal place",
        AnswerRequiredOnCheck = "Answer this question",
        EnglishOnly = "The questions are in English only for now.",
        SentTitle = "Answers sent",
        SentBody = "Thank you. Your answers have been sent to your care team.",
        SentClose = "You can close this page now.",
        AnsweredTitle = "This survey has already been answered",
        AnsweredBody = "Your answers were received. There is nothing more to do.",
        ExpiredTitle = "This link has expired",
        ExpiredBody = "If you still want to answer, contact your clinic and ask for a new link.",
        ReplacedTitle = "This link has been replaced",
        ReplacedBody = "A newer link was sent to you. Use the link in the most recent message from your clinic.",
        UnknownTitle = "Link not recognised",
        UnknownBody = "Check that you copied the whole link from the message, or contact your clinic.",
        SessionTitle = "Please try that again",
        SessionBody = "This page was open for too long or your browser did not keep our cookie. Your earlier answers are saved.",
        IntroQuestions = "There are {0} questions. It takes a few minutes.",
        IntroSaved = "Your answers are saved as you go, so you can stop and come back to this link later.",
        AnsweredSoFar = "You have answered {0} of {1} questions.",
        ContinueWhereStopped = "Your answers so far are saved. Continue where you stopped.",
        DueTogether = "You have {0} questionnaires to answer",
        Done = "Done",
        NotDone = "Not done yet",
        ThisOne = "this one",
        NextTitle = "There is another questionnaire to answer",
        AnswerNext = "Answer the next questionnaire",
        NotReadStraightAway = "Your answers are not read straight away.",
        ReadWithinOneDay = "Your care team reads them within 1 working day.",
        ReadWithinDays = "Your care team reads them within {0} working days.",
        ReadOnWorkingDays = "Your care team reads them on working days, so it may be a few days before anyone sees them.",
        HelpSooner = "If you need help sooner, call your clinic on {0}. In an emergency, call {1}.",
        Warning = "Warning",
        HelpNow = "If you need help now, do not wait for your care team to contact you.",
        CallClinic = "Call your clinic on {0}.",
        CallOutOfHours = "When your clinic is closed, call {0}.",
        CallEmergency = "In an emergency, call {0}.",
        AnyClinicPhone = "the number on your clinic letter",
        AnyOutOfHoursPhone = "the out-of-hours number on your clinic letter",
        AnyEmergencyNumber = "your local emergency number (for example 999 in the UK, 112 in the EU, 911 in the US)",
    };

    public static readonly PageText Hindi = new()
    {
        Language = "hi",
        SkipLink = "मुख्य सामग्री पर जाएँ",
        StartNow = "अभी शुरू करें",
        Continue = "आगे बढ़ें",
        Back = "वापस",
        QuestionOf = "प्रश्न {0} / {1}",
        Optional = "(वैकल्पिक)",
        NotAnswered = "उत्तर नहीं दिया",
        CheckTitle = "भेजने से पहले अपने उत्तर जाँच लें",
        CheckIntro = "भेजने से पहले आप कोई भी उत्तर बदल सकते हैं।",
        Change = "बदलें",
        SendAnswers = "उत्तर भेजें",
        ProblemTitle = "कोई समस्या है",
        ErrorPrefix = "त्रुटि: ",
        SelectAnswer = "एक उत्तर चुनें",
        WholeNumber = "{0} से {1} तक की कोई पूर्ण संख्या लिखें",
        DecimalNumber = "{0} से {1} तक की कोई संख्या लिखें, दशमलव के बाद अधिकतम एक अंक",
        AnswerRequiredOnCheck = "इस प्रश्न का उत्तर दें",
        EnglishOnly = "प्रश्न अभी केवल अंग्रेज़ी में उपलब्ध हैं।",
        SentTitle = "उत्तर भेज दिए गए",
        SentBody = "धन्यवाद। आपके उत्तर आपकी देखभाल टीम को भेज दिए गए हैं।",
        SentClose = "अब आप यह पेज बंद कर सकते हैं।",
        AnsweredTitle = "इस सर्वे का उत्तर पहले ही दिया जा चुका है",
        AnsweredBody = "आपके उत्तर मिल गए थे। अब कुछ और करने की ज़रूरत नहीं है।",
        ExpiredTitle = "इस लिंक की अवधि समाप्त हो गई है",
        ExpiredBody = "अगर आप अब भी उत्तर देना चाहते हैं, तो अपने क्लिनिक से नया लिंक माँगें।",
        ReplacedTitle = "इस लिंक की जगह नया लिंक भेजा गया है",
        ReplacedBody = "अपने क्लिनिक के सबसे नए संदेश वाला लिंक इस्तेमाल करें।",
        UnknownTitle = "लिंक पहचाना नहीं गया",
        UnknownBody = "जाँच लें कि आपने संदेश से पूरा लिंक कॉपी किया है, या अपने क्लिनिक से संपर्क करें।",
        SessionTitle = "कृपया फिर से कोशिश करें",
        SessionBody = "यह पेज बहुत देर तक खुला रहा या आपके ब्राउज़र ने हमारी कुकी नहीं रखी। आपके पिछले उत्तर सुरक्षित हैं।",
        IntroQuestions = "कुल {0} प्रश्न हैं। इसमें कुछ ही मिनट लगते हैं।",
        IntroSaved = "आपके उत्तर साथ-साथ सुरक्षित होते जाते हैं, इसलिए आप रुककर बाद में इसी लिंक पर लौट सकते हैं।",
        AnsweredSoFar = "आपने {1} में से {0} प्रश्नों के उत्तर दे दिए हैं।",
        ContinueWhereStopped = "अब तक के आपके उत्तर सुरक्षित हैं। जहाँ रुके थे, वहीं से आगे बढ़ें।",
        DueTogether = "आपको {0} प्रश्नावलियों के उत्तर देने हैं",
        Done = "पूरी हो गई",
        NotDone = "अभी बाकी है",
        ThisOne = "यह वाली",
        NextTitle = "एक और प्रश्नावली का उत्तर देना बाकी है",
        AnswerNext = "अगली प्रश्नावली का उत्तर दें",
        NotReadStraightAway = "आपके उत्तर तुरंत नहीं पढ़े जाते।",
        ReadWithinOneDay = "आपकी देखभाल टीम उन्हें 1 कार्य दिवस के भीतर पढ़ती है।",
        ReadWithinDays = "आपकी देखभाल टीम उन्हें {0} कार्य दिवसों के भीतर पढ़ती है।",
        ReadOnWorkingDays = "आपकी देखभाल टीम उन्हें कार्य दिवसों में पढ़ती है, इसलिए किसी के देखने में कुछ दिन लग सकते हैं।",
        HelpSooner = "अगर आपको इससे पहले मदद चाहिए, तो अपने क्लिनिक को {0} पर फ़ोन करें। आपातकाल में {1} पर फ़ोन करें।",
        Warning = "चेतावनी",
        HelpNow = "अगर आपको अभी मदद चाहिए, तो अपनी देखभाल टीम के संपर्क करने का इंतज़ार न करें।",
        CallClinic = "अपने क्लिनिक को {0} पर फ़ोन करें।",
        CallOutOfHours = "जब आपका क्लिनिक बंद हो, तो {0} पर फ़ोन करें।",
        CallEmergency = "आपातकाल में {0} पर फ़ोन करें।",
        AnyClinicPhone = "अपने क्लिनिक के पत्र पर दिए गए नंबर",
        AnyOutOfHoursPhone = "क्लिनिक के पत्र पर दिए गए, क्लिनिक बंद होने के समय के नंबर",
        AnyEmergencyNumber = "अपने स्थानीय आपातकालीन नंबर (जैसे भारत में 112, ब्रिटेन में 999, अमेरिका में 911)",
    };

    public static PageText For(string? language) => language == "hi" ? Hindi : English;
}
