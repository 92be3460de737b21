package io.atelier.network;

import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads libtorch when the service starts, so that a machine that cannot run it fails at start-up
 * rather than at the first job, and the first job does not pay for the unpacking.
 */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

	private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

	@Bean
	Engine pyTorchEngine() {
		Engine engine = Engine.getEngine("PyTorch");
		log.info("Deep learning engine {} {} ready", engine.getEngineName(), engine.getVersion());
		return engine;
	}

}
