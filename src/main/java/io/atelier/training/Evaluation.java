package io.atelier.training;

import java.util.ArrayList;
import java.util.List;

/**
 * The analysis step of the seed pipeline, on the test set with the final parameters.
 *
 * @param accuracy overall accuracy
 * @param classNames class names by label
 * @param confusionMatrix {@code confusionMatrix[actual][predicted]} counts
 * @param perClass precision, recall and F1 of each class
 */
public record Evaluation(double accuracy, List<String> classNames, int[][] confusionMatrix, List<ClassMetrics> perClass) {

	public static Evaluation of(List<String> classNames, int[][] confusion) {
		int classes = classNames.size();
		long correct = 0;
		long total = 0;
		List<ClassMetrics> perClass = new ArrayList<>(classes);
		for (int c = 0; c < classes; c++) {
			long support = 0;
			long predicted = 0;
			for (int other = 0; other < classes; other++) {
				support += confusion[c][other];
				predicted += confusion[other][c];
			}
			int truePositives = confusion[c][c];
			correct += truePositives;
			total += support;
			double precision = ratio(truePositives, predicted);
			double recall = ratio(truePositives, support);
			double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
			perClass.add(new ClassMetrics(c, classNames.get(c), precision, recall, f1, support));
		}
		return new Evaluation(ratio(correct, total), classNames, confusion, perClass);
	}

	private static double ratio(long numerator, long denominator) {
		return denominator == 0 ? 0 : (double) numerator / denominator;
	}

	public record ClassMetrics(int index, String className, double precision, double recall, double f1, long support) {
	}

}
