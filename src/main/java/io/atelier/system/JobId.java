package io.atelier.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;

/**
 * A job id as the API accepts it (jobs and models are named by their job), as {@link JobIds} defines it.
 */
@Pattern(regexp = JobIds.PATTERN)
@Constraint(validatedBy = {})
@Target({ ElementType.PARAMETER, ElementType.FIELD, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface JobId {

	String message() default "must be a job id: 1 to 64 letters, digits, '-' or '_', starting with a letter or digit";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
