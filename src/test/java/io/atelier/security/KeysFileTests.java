package io.atelier.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysFileTests {

	private static final String TRAINER = "t".repeat(40);

	private static final String PREDICTOR = "p".repeat(32);

	@Test
	void readsOneRoleAndKeyALineSkippingCommentsAndBlankLines() {
		String content = "# rotated 2026-11-29\r\n\n  trainer : " + TRAINER + "  \r\nPredictor:" + PREDICTOR + "\n"
				+ "predictor:" + PREDICTOR.replace('p', 'q') + "\n";
		assertThat(KeysFile.parse(content)).extracting(KeysFile.Entry::role, KeysFile.Entry::key, KeysFile.Entry::line)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Role.TRAINER, TRAINER, 3),
					org.assertj.core.groups.Tuple.tuple(Role.PREDICTOR, PREDICTOR, 4),
					org.assertj.core.groups.Tuple.tuple(Role.PREDICTOR, PREDICTOR.replace('p', 'q'), 5));
	}

	@Test
	void aFileOfCommentsHoldsNoKeys() {
		assertThat(KeysFile.parse("# every key revoked\n")).isEmpty();
	}

	@Test
	void errorsNameTheLineButNeverTheKey() {
		String shortKey = "short-secret-value";
		assertThatThrownBy(() -> KeysFile.parse("trainer:" + TRAINER + "\npredictor:" + shortKey))
			.isInstanceOf(KeysFile.InvalidException.class)
			.hasMessageContaining("line 2")
			.hasMessageContaining("32 characters")
			.hasMessageNotContaining(shortKey);
		assertThatThrownBy(() -> KeysFile.parse("admin:" + TRAINER)).hasMessageContaining("line 1")
			.hasMessageContaining("'trainer:' or 'predictor:'")
			.hasMessageNotContaining(TRAINER);
		assertThatThrownBy(() -> KeysFile.parse("\n" + TRAINER)).hasMessageContaining("line 2 is not 'role:key'")
			.hasMessageNotContaining(TRAINER);
	}

	@Test
	void anEmptyFileIsRefusedAsAHalfWrittenOneWouldBe() {
		assertThatThrownBy(() -> KeysFile.parse("")).isInstanceOf(KeysFile.InvalidException.class)
			.hasMessageContaining("empty");
		assertThatThrownBy(() -> KeysFile.parse(" \n")).isInstanceOf(KeysFile.InvalidException.class);
	}

	@Test
	void anEntryNeverShowsItsKeyAsText() {
		assertThat(KeysFile.parse("trainer:" + TRAINER).get(0).toString()).doesNotContain(TRAINER);
	}

}
