package io.atelier.job;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The dedicated, bounded pool that trains jobs, apart from the web threads.
 */
@Configuration(proxyBeanMethods = false)
class JobExecutorConfiguration {

	@Bean(destroyMethod = "")
	ThreadPoolExecutor jobExecutor(JobProperties properties) {
		return new ThreadPoolExecutor(properties.concurrency(), properties.concurrency(), 0, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(properties.queueCapacity()), new CustomizableThreadFactory("job-"),
				new ThreadPoolExecutor.AbortPolicy());
	}

}
