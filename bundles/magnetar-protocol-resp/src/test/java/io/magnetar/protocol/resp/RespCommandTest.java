package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespCommandTest {

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    @Test
    void encodesACommandAsAnArrayOfBulkStrings() {
        RespCommand c = RespCommand.of("SET", "k", new byte[] {'v', '\r', '\n'}, 42L);
        assertThat(text(c.encode())).isEqualTo("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\r\n\r\n$2\r\n42\r\n");
        assertThat(c.encodedLength()).isEqualTo(c.encode().remaining());
        assertThat(c.name()).isEqualTo("SET");
    }

    @Test
    void encodesTextAsUtf8AndCountsBytesNotCharacters() {
        assertThat(text(RespCommand.of("GET", "clé").encode())).isEqualTo("*2\r\n$3\r\nGET\r\n$4\r\nclé\r\n");
    }

    @Test
    void encodesAPipelineInOneBuffer() {
        ByteBuffer b = RespCommand.encode(List.of(RespCommand.of("PING"), RespCommand.of("INCR", "n")));
        assertThat(text(b)).isEqualTo("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
    }

    @Test
    void refusesArgumentsItCannotEncode() {
        assertThatThrownBy(() -> RespCommand.of("SET", "k", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(RespCommand::of).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void showsNoArgumentValues() {
        assertThat(RespCommand.of("AUTH", "secret").toString())
                .isEqualTo("AUTH (1 arguments)")
                .doesNotContain("secret");
    }
}
