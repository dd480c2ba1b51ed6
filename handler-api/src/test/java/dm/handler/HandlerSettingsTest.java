package dm.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HandlerSettingsTest {
    private final HandlerSettings settings = HandlerSettings.of(Map.of(
            "handler.greeting", "  hi there ",
            "handler.empty", "",
            "handler.port", "8080",
            "handler.big", "5000000000",
            "handler.word", "eighty",
            "handler.flag", "Yes",
            "handler.pause", "30s",
            "handler.plain", "250",
            "handler.bad-pause", "soon"));

    @Test
    void textValuesAreStrippedAndUnsetKeysGiveTheDefault() {
        assertEquals("hi there", settings.setting("handler.greeting", "hello"));
        assertEquals("", settings.setting("handler.empty", "hello"), "set to empty is not unset");
        assertEquals("hello", settings.setting("handler.missing", "hello"));
        assertNull(settings.setting("handler.missing", null));
        assertTrue(settings.isSet("handler.empty"));
        assertFalse(settings.isSet("handler.missing"));
        assertEquals(List.of("handler.bad-pause", "handler.big", "handler.empty", "handler.flag", "handler.greeting",
                "handler.pause", "handler.plain", "handler.port", "handler.word"), List.copyOf(settings.keys()));
    }

    @Test
    void typedGettersParseOrNameTheKeyAndTheValue() {
        assertEquals(8080, settings.intSetting("handler.port", 1));
        assertEquals(7, settings.intSetting("handler.missing", 7));
        assertEquals(5_000_000_000L, settings.longSetting("handler.big", 0));
        assertTrue(settings.booleanSetting("handler.flag", false));
        assertFalse(settings.booleanSetting("handler.missing", false));
        assertEquals(30_000, settings.durationMillis("handler.pause", 1));
        assertEquals(250, settings.durationMillis("handler.plain", 1));
        assertEquals(1, settings.durationMillis("handler.missing", 1));

        assertRefused("handler.word = 'eighty': not an integer", () -> settings.intSetting("handler.word", 1));
        assertRefused("handler.big = '5000000000': must be between 1 and 65535",
                () -> settings.intSetting("handler.big", 1, 1, 65535));
        assertRefused("handler.port = '8080': must be between 1 and 1024", () -> settings.intSetting("handler.port", 1, 1, 1024));
        assertRefused("handler.empty = '': not an integer", () -> settings.longSetting("handler.empty", 1));
        assertRefused("handler.word = 'eighty': must be true or false", () -> settings.booleanSetting("handler.word", true));
        assertRefused("handler.bad-pause = 'soon': must be a duration such as 250ms, 30s, 5m or 2h (a plain number is"
                + " milliseconds)", () -> settings.durationMillis("handler.bad-pause", 1));
        assertRefused("handler.db-url: must be set", () -> settings.requiredSetting("handler.db-url"));
    }

    @Test
    void aHandlerRefusesAValueOfItsOwnWithTheSameKindOfLine() {
        InvalidSettingException e = settings.invalid("handler.greeting", "at most 5 characters");
        assertEquals("handler.greeting = 'hi there': at most 5 characters", e.getMessage());
        assertEquals("handler.greeting", e.key());
        assertEquals("hi there", e.value());
        assertEquals("handler.other: must be set", settings.invalid("handler.other", "must be set").getMessage());
    }

    @Test
    void onlyHandlerKeysAreHandlerSettings() {
        assertThrows(IllegalArgumentException.class, () -> settings.setting("greeting", ""));
        assertThrows(IllegalArgumentException.class, () -> settings.setting("handler.", ""));
        assertThrows(IllegalArgumentException.class, () -> HandlerSettings.of(Map.of("pool.min", "2")));
    }

    private static void assertRefused(String message, Runnable getter) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, getter::run);
        assertEquals(message, e.getMessage());
    }
}
