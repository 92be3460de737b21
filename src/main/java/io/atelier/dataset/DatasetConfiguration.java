package io.atelier.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.atelier.system.AtelierProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DatasetConfiguration {

	@Bean
	FashionMnistSource fashionMnistSource(DatasetProperties properties, AtelierProperties atelier) {
		return new FashionMnistSource(properties.fashionMnist(), atelier.dataDir(), new Downloader());
	}

	/** Fashion-MNIST, one source per {@code atelier.datasets.idx.<name>}, and the uploaded datasets. */
	@Bean
	DatasetRegistry datasetRegistry(List<DatasetSource> beans, DatasetProperties properties, StoredDatasets stored) {
		List<DatasetSource> sources = new ArrayList<>(beans);
		for (Map.Entry<String, DatasetProperties.Idx> idx : properties.idx().entrySet()) {
			if (!DatasetUploads.NAME.matcher(idx.getKey()).matches() || idx.getKey().equals(FashionMnistSource.NAME)) {
				throw new IllegalStateException("atelier.datasets.idx." + idx.getKey() + ": a dataset name is 1 to 64 "
						+ "letters, digits, '-' or '_', and not " + FashionMnistSource.NAME);
			}
			sources.add(new IdxDirectorySource(idx.getKey(), idx.getValue()));
		}
		return new DatasetRegistry(sources, stored);
	}

	@Bean
	StoredDatasets storedDatasets(AtelierProperties atelier, JsonMapper json) {
		return new StoredDatasets(atelier.dataDir(), json);
	}

}
