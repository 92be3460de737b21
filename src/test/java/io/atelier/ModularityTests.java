package io.atelier;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;
import org.springframework.web.bind.annotation.RestController;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module boundaries: one module per top-level package, each reaching only the others' public
 * types, without cycles; the training engine free of Spring, the web, jobs, storage and serving;
 * controllers free of DJL.
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

	/**
	 * Nothing of Spring, Jackson, the web, jobs, storage or serving: verify alone would let the engine
	 * reach any module's public types that close no cycle.
	 */
	@Test
	void theTrainingEngineUsesOnlyTheDataTheNetworksDjlAndTheJdk() {
		ArchRule rule = classes().that()
			.resideInAPackage("io.atelier.training..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("io.atelier.training..", "io.atelier.dataset..", "io.atelier.network..", "ai.djl..",
					"java..");
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
		// Into target/ on every build; the committed copy is refreshed on purpose, with
		// -Datelier.module-docs=docs/modules, since the Documenter rewrites its folder in no fixed order.
		String folder = System.getProperty("atelier.module-docs", "target/module-docs");
		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(folder))
			.writeModulesAsPlantUml(uml)
			.writeIndividualModulesAsPlantUml(uml)
			.writeModuleCanvases();
	}

}
