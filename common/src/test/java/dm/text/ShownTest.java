package dm.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShownTest {

    @Test
    void shortValuesAreShownWhole() {
        assertEquals("127.0.0.1", Shown.value("127.0.0.1"));
        assertEquals("'abc'", Shown.quoted("abc"));
        assertEquals("x".repeat(80), Shown.value("x".repeat(80)));
    }

    @Test
    void longValuesAreCutAfterEightyCharactersAndSayHowLongTheyWere() {
        String shown = Shown.value("y".repeat(1_000_000));
        assertEquals("y".repeat(80) + "… (1000000 characters)", shown);
    }

    @Test
    void controlCharactersAreEscapedSoTheLineStaysOneLine() {
        assertEquals("a\\nb\\tc\\r\\u0000", Shown.value("a\nb\tc\r\u0000"));
        assertTrue(Shown.value("x\n".repeat(500)).indexOf('\n') < 0);
    }

    @Test
    void aCutNeverSplitsACharacterOutsideTheBasicPlane() {
        String clefs = "\uD834\uDD1E".repeat(100); // U+1D11E, two chars each
        String shown = Shown.value(clefs);
        assertEquals("\uD834\uDD1E".repeat(80) + "… (100 characters)", shown);
    }

    @Test
    void anExceptionKeepsMoreOfItsMessage() {
        String message = "m".repeat(1000);
        assertEquals("java.lang.IllegalStateException: " + "m".repeat(240 - 33) + "… (1033 characters)",
                Shown.failure(new IllegalStateException(message)));
        assertEquals("java.io.IOException: two\\nlines", Shown.failure(new java.io.IOException("two\nlines")));
    }
}
