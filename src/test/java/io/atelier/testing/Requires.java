package io.atelier.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The annotated tests need these real parts: they skip without them, or fail where they are
 * mandatory (see {@link Need}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Requires.Check.class)
public @interface Requires {

	Need[] value();

	class Check implements BeforeAllCallback {

		@Override
		public void beforeAll(ExtensionContext context) {
			Requires requires = context.getRequiredTestClass().getAnnotation(Requires.class);
			for (Need need : requires.value()) {
				need.require();
			}
		}

	}

}
