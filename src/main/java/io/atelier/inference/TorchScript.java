package io.atelier.inference;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * TorchScript archives ({@code torch.jit.save}) as served models. An archive is code-like input: it is
 * only ever read as a stream into libtorch's TorchScript loader, in the serving engine, which runs the
 * TorchScript it holds and nothing else; it never reaches a path or a Python interpreter.
 */
final class TorchScript {

	/** The {@code architecture} recorded for an imported TorchScript model. */
	static final String ARCHITECTURE = "torchscript";

	private static final String ENGINE = "PyTorch";

	private static final Pattern TOO_NEW = Pattern
		.compile("version (\\d+), but the maximum supported version for reading is (\\d+)");

	private static final Pattern UNKNOWN_OPERATOR = Pattern.compile("Unknown builtin op: ([\\w:]+)");

	/** More entries than any real module has: a zip that lists more is not read further. */
	private static final int MAX_ENTRIES = 100_000;

	private TorchScript() {
	}

	/** Whether the file is a zip archive, as TorchScript and {@code torch.save} files are. */
	static boolean isZip(byte[] file) {
		return file.length >= 4 && file[0] == 'P' && file[1] == 'K' && file[2] == 3 && file[3] == 4;
	}

	/**
	 * What the archive's records say, read as a zip without running anything: {@code 415} if it is no
	 * TorchScript archive at all.
	 */
	static Archive inspect(byte[] file) {
		String version = null;
		boolean pickle = false;
		boolean code = false;
		boolean constants = false;
		int entries = 0;
		// A zip's central directory, read in memory: libtorch writes entries a stream reader cannot take.
		try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(file)).get()) {
			for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
				if (++entries > MAX_ENTRIES) {
					throw ModelProblems.unsupportedFile("the zip archive lists more than " + MAX_ENTRIES + " files");
				}
				String name = entry.getName();
				String record = name.substring(name.indexOf('/') + 1);
				if (record.equals("version") || record.equals(".data/version")) {
					try (InputStream in = zip.getInputStream(entry)) {
						version = new String(in.readNBytes(32), StandardCharsets.US_ASCII).trim();
					}
				}
				pickle |= record.equals("data.pkl");
				constants |= record.equals("constants.pkl");
				code |= record.startsWith("code/");
			}
		}
		catch (IOException ex) {
			throw ModelProblems.unsupportedFile("it is a zip archive that cannot be read (" + ex.getMessage() + ")");
		}
		if (!pickle) {
			throw ModelProblems.unsupportedFile("it is a zip archive without the data.pkl of a PyTorch file");
		}
		if (!code || !constants) {
			throw ModelProblems.unsupportedFile("it is a torch.save file, not TorchScript: save the module with "
					+ "torch.jit.save(torch.jit.script(module), f), or its state_dict as safetensors");
		}
		return new Archive(version);
	}

	/**
	 * The archive's module in a new DJL model that owns it (closing the model frees it); {@code 422}
	 * if libtorch cannot load it, saying which file format version it needs when it is too new.
	 */
	static Model load(InputStream archive, Archive inspected) {
		Model model = Model.newInstance(ARCHITECTURE, ENGINE);
		try {
			PtSymbolBlock block = JniUtils.loadModule((PtNDManager) model.getNDManager(), archive, false, false);
			block.freezeParameters(true);
			model.setBlock(block);
			return model;
		}
		catch (IOException | EngineException ex) {
			model.close();
			throw cannotLoad(ex, inspected);
		}
		catch (RuntimeException | Error ex) {
			model.close();
			throw ex;
		}
	}

	/** The version of libtorch the serving engine runs, such as {@code 2.7.1}. */
	static String libtorchVersion() {
		return Engine.getEngine(ENGINE).getVersion();
	}

	private static RuntimeException cannotLoad(Exception ex, Archive inspected) {
		String message = String.valueOf(ex.getMessage());
		Matcher tooNew = TOO_NEW.matcher(message);
		if (tooNew.find()) {
			String record = inspected.version() == null ? "" : " (its 'version' record says " + inspected.version() + ")";
			return ModelProblems.invalidModel("The archive is TorchScript file format version " + tooNew.group(1)
					+ record + ", written by a PyTorch newer than "
					+ "this engine's libtorch " + libtorchVersion() + ", which reads file format versions up to "
					+ tooNew.group(2) + ". Save the module with PyTorch " + libtorchVersion()
					+ " or older, or send its state_dict as safetensors.", List.of());
		}
		Matcher operator = UNKNOWN_OPERATOR.matcher(message);
		if (operator.find()) {
			return ModelProblems.invalidModel("The module calls " + operator.group(1) + ", which this engine's libtorch "
					+ libtorchVersion() + " does not have: it was saved by a newer PyTorch. Save it with PyTorch "
					+ libtorchVersion() + " or older.", List.of());
		}
		return ModelProblems.invalidModel("libtorch " + libtorchVersion() + " cannot load the TorchScript archive: "
				+ firstLine(message), List.of());
	}

	/** libtorch's messages go on with a C++ stack trace, of no use to the uploader. */
	static String firstLine(String message) {
		String text = message.strip();
		int end = text.indexOf('\n');
		return end < 0 ? text : text.substring(0, end);
	}

	/** @param version the archive's {@code version} record, the file format version it was written in */
	record Archive(String version) {
	}

}
