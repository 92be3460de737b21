package io.atelier.security;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyAuthenticationProviderTests {

	private static final String TRAINER = "a".repeat(40);

	private static final String PREDICTOR = "b".repeat(32);

	private final ApiKeyAuthenticationProvider provider = new ApiKeyAuthenticationProvider(
			new SecurityProperties(List.of(TRAINER), List.of("c".repeat(33), PREDICTOR), true, false, null,
					Duration.ofSeconds(5)));

	@Test
	void aKnownKeyAuthenticatesWithItsRoleUnderANameThatIsNotTheKey() {
		Authentication trainer = provider.authenticate(presented(TRAINER));
		assertThat(trainer.isAuthenticated()).isTrue();
		assertThat(trainer.getName()).isEqualTo("trainer-1");
		assertThat(trainer.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("ROLE_TRAINER");
		assertThat(trainer.getCredentials()).isNull();

		Authentication predictor = provider.authenticate(presented(PREDICTOR));
		assertThat(predictor.getName()).isEqualTo("predictor-2");
		assertThat(predictor.getAuthorities()).extracting(GrantedAuthority::getAuthority)
			.containsExactly("ROLE_PREDICTOR");
	}

	@Test
	void anyOtherKeyIsRefused() {
		for (String guess : new String[] { TRAINER.substring(1), TRAINER + " x", PREDICTOR.toUpperCase(), "", "null" }) {
			assertThatThrownBy(() -> provider.authenticate(presented(guess))).as(guess)
				.isInstanceOf(BadCredentialsException.class);
		}
	}

	@Test
	void aShortKeyStopsStartUpWithoutShowingTheKey() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new ApiKeyAuthenticationProvider(
					new SecurityProperties(List.of(), List.of(PREDICTOR, "tooshort-secret"), true, false, null,
							Duration.ofSeconds(5))))
			.withMessageContaining("predictor-2", "atelier.security.predictor-keys[1]", "32 characters")
			.withMessageNotContaining("tooshort-secret");
	}

	private static Authentication presented(String key) {
		return new PreAuthenticatedAuthenticationToken("api-key", key);
	}

}
