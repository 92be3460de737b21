package io.atelier.dataset;

import io.atelier.system.AtelierProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DatasetConfiguration {

	@Bean
	FashionMnistSource fashionMnistSource(DatasetProperties properties, AtelierProperties atelier) {
		return new FashionMnistSource(properties.fashionMnist(), atelier.dataDir(), new Downloader());
	}

}
