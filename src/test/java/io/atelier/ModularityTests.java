package io.atelier;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;
import org.springframework.web.bind.annotation.RestController;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module boundaries: one module per top-level package, each reaching only the others' public
 * types, without cycles; the training engine free of Spring and the web; controllers free of DJL.
 */
class ModularityTests {

	static final ApplicationModules MODULES = ApplicationModules.of(AtelierApplication.class,
			new ImportOption.DoNotIncludeTests());

	private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
		.withImportOption(new ImportOption.DoNotIncludeTests())
		.importPackages("io.atelier");

	@Test
	void modulesReachEachOtherOnlyThroughTheirPublicTypesWithoutCycles() {
		MODULES.verify();
	}

	@Test
	void theTrainingEngineKnowsNothingOfSpringNorTheWeb() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("io.atelier.training..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "jakarta.servlet..", "jakarta.validation..",
					"tools.jackson..", "com.fasterxml.jackson..");
		rule.check(MAIN_CLASSES);
	}

	@Test
	void theWebLayerKnowsNothingOfDjl() {
		noClasses().that()
			.areAnnotatedWith(RestController.class)
			.should()
			.dependOnClassesThat()
			.resideInAPackage("ai.djl..")
			.check(MAIN_CLASSES);
	}

	@Test
	void writesTheModuleDocumentation() {
		// Plain UML rather than C4, so that Debian's PlantUML renders it: plantuml -tsvg docs/modules/*.puml
		Documenter.DiagramOptions uml = Documenter.DiagramOptions.defaults()
			.withStyle(Documenter.DiagramOptions.DiagramStyle.UML);
		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("docs/modules"))
			.writeModulesAsPlantUml(uml)
			.writeIndividualModulesAsPlantUml(uml)
			.writeModuleCanvases();
	}

}
