package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputBudgetTest {

    private final InputBudget budget = new InputBudget(1000);
    private final List<String> closed = new ArrayList<>();

    private InputBudget.Share share(String name) {
        return new InputBudget.Share(reason -> closed.add(name + ": " + reason));
    }

    @Test
    void withinTheLimitEveryoneTakesAndNobodyIsClosed() {
        InputBudget.Share a = share("a");
        InputBudget.Share b = share("b");
        assertThat(budget.take(a, 600)).isTrue();
        assertThat(budget.take(b, 400)).isTrue();
        assertThat(budget.held()).isEqualTo(1000);
        assertThat(closed).isEmpty();
    }

    @Test
    void pastTheLimitTheLargestHolderIsClosedAndTheGrowthFitsInWhatItHeld() {
        InputBudget.Share big = share("big");
        InputBudget.Share middle = share("middle");
        InputBudget.Share small = share("small");
        InputBudget.Share grower = share("grower");
        assertThat(budget.take(big, 500)).isTrue();
        assertThat(budget.take(middle, 300)).isTrue();
        assertThat(budget.take(small, 150)).isTrue();
        assertThat(budget.take(grower, 40)).isTrue();

        assertThat(budget.take(grower, 100)).as("the grower is not the largest").isTrue();
        assertThat(closed).hasSize(1).first().asString().startsWith("big: client input of all connections over");
        assertThat(budget.take(grower, 350))
                .as("big's 500 bytes are on their way out")
                .isTrue();
        assertThat(closed).hasSize(1);
        assertThat(budget.take(small, 100))
                .as("past it again: the grower is now the largest other")
                .isTrue();
        assertThat(closed).hasSize(2).last().asString().startsWith("grower:");

        // What the closed ones held comes back when their connections end.
        budget.give(big, 500);
        budget.give(grower, 490);
        assertThat(budget.held()).isEqualTo(300 + 250);
        assertThat(budget.evictions()).isEqualTo(2);
    }

    @Test
    void theLargestHolderIsRefusedItselfAndNobodyElseIsClosed() {
        InputBudget.Share big = share("big");
        InputBudget.Share small = share("small");
        assertThat(budget.take(big, 800)).isTrue();
        assertThat(budget.take(small, 100)).isTrue();
        assertThat(budget.take(big, 200)).isFalse();
        assertThat(closed).isEmpty();
        assertThat(budget.held()).isEqualTo(900);
    }

    @Test
    void aConnectionBeingClosedCannotGrowAndIsNotClosedTwice() {
        InputBudget.Share big = share("big");
        InputBudget.Share other = share("other");
        assertThat(budget.take(big, 900)).isTrue();
        assertThat(budget.take(other, 50)).isTrue();
        assertThat(budget.take(other, 100)).isTrue();
        assertThat(budget.take(big, 10)).isFalse();
        assertThat(budget.take(other, 500))
                .as("only what is leaving may be reused")
                .isTrue();
        assertThat(budget.take(other, 400))
                .as("nothing else is larger than other")
                .isFalse();
        assertThat(closed).containsExactly(closed.get(0)).first().asString().startsWith("big:");
    }

    @Test
    void noLimitMeansNoRefusal() {
        InputBudget unlimited = new InputBudget(0);
        assertThat(unlimited.take(share("a"), Long.MAX_VALUE / 2)).isTrue();
    }
}
