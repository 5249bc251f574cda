package dev.kappa.common.event;

/** Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF). */
public final class Utf8 {

    private Utf8() {
    }

    /** Returns the index of the first byte of an invalid sequence, or -1 when all is valid. */
    public static int firstInvalid(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int start = i;
            int lead = b & 0xFF;
            int need;
            int min;
            if (lead >= 0xC2 && lead <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return start;
            }
            if (i + need >= n) {
                return start;
            }
            int cp = lead & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int c = bytes[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return start;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return start;
            }
            i += need + 1;
        }
        return -1;
    }
}
