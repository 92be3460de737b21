package io.atelier.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * The service's own security rules in a {@code @WebMvcTest} slice, instead of Spring Boot's default
 * (form login for everything). Pair it with {@code @WithMockUser(roles = "TRAINER")}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Import(SecurityConfiguration.class)
public @interface ApiSecurity {

}
