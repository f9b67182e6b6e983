package io.magnetar.udp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing the kernel's UDP socket table; the live file is exercised by the burst test. */
class ProcNetUdpTest {

    private static final List<String> TABLE = List.of(
            "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
            "  130: 0100007F:9C40 00000000:0000 07 00000000 00000000 00:00000000 00000000     0        0 1111 2 0000000000000000 17",
            "  131: 00000000:9C40 00000000:0000 07 00000000 00000000 00:00000000 00000000     0        0 1112 2 0000000000000000 3",
            "  132: 0100007F:1F90 00000000:0000 07 00000000 00000000 00:00000000 00000000     0        0 1113 2 0000000000000000 99");

    @Test
    void sumsTheDropsOfEverySocketOnThePort() {
        assertThat(ProcNetUdp.drops(TABLE, 0x9C40)).isEqualTo(20);
        assertThat(ProcNetUdp.drops(TABLE, 0x1F90)).isEqualTo(99);
    }

    @Test
    void unknownPortIsMinusOne() {
        assertThat(ProcNetUdp.drops(TABLE, 1234)).isEqualTo(-1);
    }
}
