package io.atelier.system;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Spring's scheduler runs the features' periodic work (model refresh, live events of jobs other
 * processes run). A worker's lease heartbeat keeps a thread of its own: nothing may delay it.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfiguration {

}
