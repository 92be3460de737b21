package io.atelier.system;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as RFC 9457 problem+json. Spring's handler covers its own exceptions and every
 * {@code ErrorResponseException} the features throw; this adds a field-by-field {@code errors} list
 * to validation failures, plain words for unreadable JSON, and a 500 that reveals no internals.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, Object>> errors = ex.getBindingResult()
			.getAllErrors()
			.stream()
			.map(error -> error instanceof FieldError field
					? Problems.fieldError(field.getField(), field.getDefaultMessage(), field.getRejectedValue())
					: Problems.fieldError(error.getObjectName(), error.getDefaultMessage(), null))
			.toList();
		return invalid(errors, headers, request);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, Object>> errors = ex.getParameterValidationResults()
			.stream()
			.flatMap(result -> result.getResolvableErrors()
				.stream()
				.map(error -> Problems.fieldError(result.getMethodParameter().getParameterName(), message(error),
						result.getArgument())))
			.toList();
		return invalid(errors, headers, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "Unreadable request body", describe(ex));
		if (ex.getCause() instanceof JacksonException json && !json.getPath().isEmpty()) {
			problem.setProperty("errors", List.of(Problems.fieldError(path(json), describe(ex), null)));
		}
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	/** Spring Security's firewall, met when a handler reads a parameter with control characters in its name. */
	@ExceptionHandler(RequestRejectedException.class)
	ResponseEntity<Object> handleRejected(RequestRejectedException ex, WebRequest request) {
		return handleExceptionInternal(ex, Problems.rejected(), new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
		log.error("Unexpected error", ex);
		ProblemDetail problem = Problems.detail(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
				"The server could not complete the request; the error has been logged.");
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	private ResponseEntity<Object> invalid(List<Map<String, Object>> errors, HttpHeaders headers,
			WebRequest request) {
		String detail = errors.stream()
			.map(error -> error.get("field") + ": " + error.get("message"))
			.collect(Collectors.joining("; "));
		ProblemDetail problem = Problems.detail(HttpStatus.BAD_REQUEST, "Invalid request", detail);
		problem.setProperty("errors", errors);
		return handleExceptionInternal(new IllegalArgumentException(detail), problem, headers, HttpStatus.BAD_REQUEST,
				request);
	}

	private static String describe(HttpMessageNotReadableException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof PropertyBindingException unknown) {
			return "Unknown field '" + unknown.getPropertyName() + "'; known fields: "
					+ unknown.getKnownPropertyIds();
		}
		if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
			String expected = mismatch.getTargetType() == null ? "another type"
					: mismatch.getTargetType().getSimpleName();
			return "Field '" + path(mismatch) + "' has the wrong type or value; expected " + describeType(expected)
					+ (mismatch.getTargetType() != null && mismatch.getTargetType().isEnum()
							? " " + enumValues(mismatch.getTargetType()) : "");
		}
		if (cause instanceof StreamReadException parse) {
			return "Malformed JSON: " + parse.getOriginalMessage();
		}
		if (cause == null) {
			return "The request body is missing or unreadable.";
		}
		return "The request body could not be read: " + (cause instanceof JacksonException json
				? json.getOriginalMessage() : cause.getMessage());
	}

	private static String describeType(String simpleName) {
		return switch (simpleName) {
			case "Integer", "int", "Long", "long" -> "an integer";
			case "Double", "double", "Float", "float" -> "a number";
			case "Boolean", "boolean" -> "true or false";
			case "String" -> "a string";
			default -> "one of";
		};
	}

	private static String enumValues(Class<?> type) {
		return java.util.Arrays.stream(type.getEnumConstants())
			.map(constant -> constant.toString().toLowerCase(java.util.Locale.ROOT))
			.toList()
			.toString();
	}

	private static String path(JacksonException ex) {
		return ex.getPath()
			.stream()
			.map(reference -> reference.getPropertyName() != null ? reference.getPropertyName()
					: "[" + reference.getIndex() + "]")
			.collect(Collectors.joining("."));
	}

	private static String message(MessageSourceResolvable error) {
		return error.getDefaultMessage();
	}

}
