package io.atelier.security;

import jakarta.servlet.DispatcherType;

import io.atelier.system.Problems;
import lombok.RequiredArgsConstructor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * API keys as bearer tokens, two roles, stateless. Health stays open for probes; what is not listed
 * takes a trainer key, so an endpoint added later is closed until someone opens it on purpose.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
@RequiredArgsConstructor
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	/**
	 * The dashboard's own files only: no inline script or style, no other origin, not framed. The
	 * API's JSON is never rendered by a browser, so the same policy costs it nothing.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
			+ "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	private final SecurityProperties properties;

	/** A bean, so that Spring Boot does not also create its default user with a generated password. */
	@Bean
	ApiKeyAuthenticationProvider apiKeyAuthenticationProvider() {
		return new ApiKeyAuthenticationProvider(properties);
	}

	@Bean
	KeysFileWatcher keysFileWatcher(ApiKeyAuthenticationProvider keys) {
		return new KeysFileWatcher(properties, keys);
	}

	@Bean
	RoleHierarchy roleHierarchy() {
		return RoleHierarchyImpl.withDefaultRolePrefix().role(Role.TRAINER.name()).implies(Role.PREDICTOR.name()).build();
	}

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyAuthenticationProvider keys,
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver, JsonMapper json) {
		ProblemResponses problems = new ProblemResponses(resolver, properties, json);
		http.csrf(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.exceptionHandling(
					handling -> handling.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)));
		if (properties.insecureLocalMode()) {
			return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
		}
		AuthenticationFilter bearer = new AuthenticationFilter(new ProviderManager(keys), new BearerKeyConverter());
		bearer.setSuccessHandler((request, response, authentication) -> {
		});
		bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(problems));
		return http.addFilterAt(bearer, BasicAuthenticationFilter.class).authorizeHttpRequests(requests -> {
			// The request that started an async or error dispatch has been authorized already.
			requests.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
			requests.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/info")
				.permitAll();
			// The dashboard's files are public; what it shows comes from the API with the user's key.
			requests.requestMatchers(HttpMethod.GET, "/", "/index.html", "/dashboard/**", "/webjars/**", "/favicon.ico",
					"/me")
				.permitAll();
			var metrics = requests.requestMatchers(HttpMethod.GET, "/actuator/prometheus");
			if (properties.metricsPublic()) {
				metrics.permitAll();
			}
			else {
				metrics.authenticated();
			}
			requests.requestMatchers(HttpMethod.POST, "/jobs", "/jobs/*/cancel").hasRole(Role.TRAINER.name());
			requests.requestMatchers(HttpMethod.PUT, "/models/default").hasRole(Role.TRAINER.name());
			// An upload is untrusted input that will be served: a trainer's action.
			requests.requestMatchers(HttpMethod.POST, "/models").hasRole(Role.TRAINER.name());
			requests.requestMatchers(HttpMethod.GET, "/jobs", "/jobs/**", "/models", "/models/**", "/datasets",
					"/datasets/*")
				.hasRole(Role.PREDICTOR.name());
			requests.requestMatchers(HttpMethod.POST, "/predict", "/predict/batch", "/predict/input").hasRole(Role.PREDICTOR.name());
			// The Open Inference Protocol: its health for probes as the Actuator's, the rest as /predict.
			requests.requestMatchers(HttpMethod.GET, "/v2/health/live", "/v2/health/ready").permitAll();
			requests.requestMatchers(HttpMethod.GET, "/v2", "/v2/models/**").hasRole(Role.PREDICTOR.name());
			requests.requestMatchers(HttpMethod.POST, "/v2/models/*/infer", "/v2/models/*/versions/*/infer")
				.hasRole(Role.PREDICTOR.name());
			requests.anyRequest().hasRole(Role.TRAINER.name());
		}).build();
	}

	/** Requests the firewall refuses before any handler runs get the same problem+json as the rest. */
	@Bean
	RequestRejectedHandler requestRejectedHandler(
			@Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
		return (request, response, exception) -> resolver.resolveException(request, response, null,
				new ErrorResponseException(HttpStatus.BAD_REQUEST, Problems.rejected(), exception));
	}

	@EventListener(ApplicationStartedEvent.class)
	void sayWhoMayCall() {
		if (properties.insecureLocalMode()) {
			log.warn("INSECURE LOCAL MODE: every endpoint is open to anyone who can reach this port, API keys or "
					+ "not. Never run it this way on a shared machine or network.");
		}
		else if (!properties.hasKeys()) {
			log.warn("No API keys are configured, so every call except health is refused (401). Set "
					+ "ATELIER_SECURITY_TRAINER_KEYS and/or ATELIER_SECURITY_PREDICTOR_KEYS to comma-separated "
					+ "keys of at least {} characters (openssl rand -hex 32), or ATELIER_SECURITY_KEYS_FILE to a file "
					+ "of 'role:key' lines, or, on your own machine only, "
					+ "ATELIER_SECURITY_INSECURE_LOCAL_MODE=true.", ApiKeyAuthenticationProvider.MINIMUM_KEY_LENGTH);
		}
		else {
			log.info("API keys: {} trainer, {} predictor{}; metrics {}", properties.trainerKeys().size(),
					properties.predictorKeys().size(),
					properties.keysFile() != null ? ", and those of " + properties.keysFile() : "",
					properties.metricsPublic() ? "open" : "need a key");
		}
	}

}
