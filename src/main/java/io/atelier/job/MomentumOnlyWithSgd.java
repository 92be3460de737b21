package io.atelier.job;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.atelier.training.OptimizerKind;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Momentum is an SGD setting; given with Adam it would be silently ignored, so it is refused, and
 * reported against the {@code momentum} field.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = MomentumOnlyWithSgd.Validator.class)
@interface MomentumOnlyWithSgd {

	String message() default "momentum applies to the sgd optimizer only";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	class Validator implements ConstraintValidator<MomentumOnlyWithSgd, Hyperparameters> {

		@Override
		public boolean isValid(Hyperparameters value, ConstraintValidatorContext context) {
			if (value.momentum() == null || value.momentum() == 0 || value.optimizer() == OptimizerKind.SGD) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
				.addPropertyNode("momentum")
				.addConstraintViolation();
			return false;
		}

	}

}
