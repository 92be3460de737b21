package io.atelier.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

/**
 * One trainer key and one predictor key configured in a Spring test (a {@code @WebMvcTest} slice with
 * {@link ApiSecurity}, or a whole service), for tests that call with real keys rather than
 * {@code @WithMockUser}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@TestPropertySource(properties = { "atelier.security.trainer-keys=" + ApiKeys.TRAINER,
		"atelier.security.predictor-keys=" + ApiKeys.PREDICTOR })
public @interface ApiKeys {

	String TRAINER = "trainer-key-0123456789abcdef0123456789";

	String PREDICTOR = "predictor-key-0123456789abcdef012345678";

}
