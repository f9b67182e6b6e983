package io.magnetar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whether the launcher may read its terminal: only from the terminal's foreground process group. */
class MainTest {

    @Test
    void aProcessWhoseGroupIsTheTerminalsIsInTheForeground() {
        assertThat(Main.inForeground("4242 (java) S 4200 4242 4100 34816 4242 4194304 0 0"))
                .isTrue();
    }

    @Test
    void aProcessStartedWithAnAmpersandIsNotAndGetsNoShell() {
        // bash made group 4242 for the job; the terminal's foreground group is the shell's, 4100.
        assertThat(Main.inForeground("4242 (java) S 4200 4242 4100 34816 4100 4194304 0 0"))
                .isFalse();
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesIsSkippedWhole() {
        assertThat(Main.inForeground("7 (a (b) c) S 1 7 7 34816 9 0")).isFalse();
        assertThat(Main.inForeground("7 (a (b) c) S 1 7 7 34816 7 0")).isTrue();
    }

    @Test
    void whatCannotBeReadCountsAsForeground() {
        assertThat(Main.inForeground(null)).isTrue();
        assertThat(Main.inForeground("garbage")).isTrue();
    }
}
