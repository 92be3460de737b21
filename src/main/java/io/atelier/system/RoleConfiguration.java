package io.atelier.system;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * What the {@code atelier.role} changes on the web side; the job and inference features read the role
 * themselves.
 */
@Configuration(proxyBeanMethods = false)
class RoleConfiguration {

	@Bean
	FilterRegistrationBean<WorkerOnlyFilter> workerOnlyFilter(AtelierProperties atelier, JsonMapper json) {
		FilterRegistrationBean<WorkerOnlyFilter> registration = new FilterRegistrationBean<>(new WorkerOnlyFilter(json));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.setEnabled(atelier.role() == Role.WORKER);
		return registration;
	}

}
