package io.atelier.job;

import java.net.URI;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.atelier.system.JobId;
import lombok.RequiredArgsConstructor;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Training jobs over HTTP.
 */
@RestController
@RequestMapping("/jobs")
@RequiredArgsConstructor
class JobController {

	private final JobService jobs;

	/** Every field of the body is optional, and so is the body: the seed pipeline's values fill in. */
	@PostMapping
	ResponseEntity<JobView> submit(@Valid @RequestBody(required = false) Hyperparameters request) {
		JobView job = jobs.submit(request != null ? request : Hyperparameters.NONE);
		return ResponseEntity.accepted().location(URI.create("/jobs/" + job.id())).body(job);
	}

	@GetMapping("/{id}")
	JobView get(@PathVariable @JobId String id) {
		return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
	}

	/** Server-Sent Events: the current state, progress at most each second, each epoch, then the end. */
	@GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter events(@PathVariable @JobId String id) {
		return jobs.events(id);
	}

	@GetMapping
	JobPage list(@RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
		return jobs.list(page, size);
	}

	/** 202 while a running job is stopping, 200 once the job has ended (including when it already had). */
	@PostMapping("/{id}/cancel")
	ResponseEntity<JobView> cancel(@PathVariable @JobId String id) {
		JobView job = jobs.cancel(id);
		return job.state().isTerminal() ? ResponseEntity.ok(job) : ResponseEntity.accepted().body(job);
	}

}
