package dev.kappa.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FieldNamesTest {

    private final FieldNames names = new FieldNames();

    @Test
    void anOuterLongObjectStillKnowsItsNamesAfterANestedLongObjectCloses() {
        names.enterObject();
        for (int i = 0; i < 20; i++) {
            names.add("outer-" + i);
        }
        names.enterObject();
        for (int i = 0; i < 20; i++) {
            names.add("outer-" + i);
        }
        names.exitObject();

        assertThatThrownBy(() -> names.add("outer-18")).isInstanceOfSatisfying(RejectedEventException.class,
                e -> assertThat(e.detail()).isEqualTo("Duplicate field 'outer-18'"));
        assertThatThrownBy(() -> names.add("outer-3")).isInstanceOf(RejectedEventException.class);
    }

    @Test
    void siblingsAndTheNextRecordStartAfresh() {
        names.enterObject();
        names.add("a");
        names.enterObject();
        names.add("b");
        names.exitObject();
        names.enterObject();
        assertThatCode(() -> names.add("b")).doesNotThrowAnyException();
        names.reset();
        names.enterObject();
        assertThatCode(() -> names.add("a")).doesNotThrowAnyException();
        assertThatThrownBy(() -> names.add("a")).isInstanceOf(RejectedEventException.class);
    }

    @Test
    void manyNamesInOneObjectAreCheckedAsTheyCome() {
        names.enterObject();
        for (int i = 0; i < 200_000; i++) {
            names.add(Integer.toString(i));
        }
        assertThatThrownBy(() -> names.add("199999")).isInstanceOf(RejectedEventException.class);
    }
}
