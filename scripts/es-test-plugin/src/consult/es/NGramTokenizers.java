// The ngram and edge_ngram tokenizers (Lucene's NGramTokenizer/EdgeNGramTokenizer) with token_chars, normally from analysis-common.
package consult.es;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.TokenizerFactory;

final class NGramTokenizers {
    private NGramTokenizers() {}

    /** token_chars / custom_token_chars of the ngram tokenizers; null means every character. */
    static IntPredicate tokenChars(List<String> classes, String custom) {
        if (classes.isEmpty()) return null;
        final Set<String> set = new HashSet<>(classes);
        return c -> {
            if (set.contains("letter") && Character.isLetter(c)) return true;
            if (set.contains("digit") && Character.isDigit(c)) return true;
            if (set.contains("whitespace") && Character.isWhitespace(c)) return true;
            if (set.contains("custom") && custom.indexOf(c) >= 0) return true;
            switch (Character.getType(c)) {
                case Character.CONNECTOR_PUNCTUATION: case Character.DASH_PUNCTUATION:
                case Character.START_PUNCTUATION: case Character.END_PUNCTUATION:
                case Character.INITIAL_QUOTE_PUNCTUATION: case Character.FINAL_QUOTE_PUNCTUATION:
                case Character.OTHER_PUNCTUATION:
                    return set.contains("punctuation");
                case Character.MATH_SYMBOL: case Character.CURRENCY_SYMBOL:
                case Character.MODIFIER_SYMBOL: case Character.OTHER_SYMBOL:
                    return set.contains("symbol");
                default:
                    return false;
            }
        };
    }

    static TokenizerFactory factory(String name, Settings s, boolean edge) {
        final int min = s.getAsInt("min_gram", 1), max = s.getAsInt("max_gram", 2);
        final IntPredicate tc = tokenChars(s.getAsList("token_chars"), s.get("custom_token_chars", ""));
        return TokenizerFactory.newFactory(name, () -> {
            if (tc == null) return edge ? new EdgeNGramTokenizer(min, max) : new NGramTokenizer(min, max);
            if (edge) {
                return new EdgeNGramTokenizer(min, max) {
                    @Override protected boolean isTokenChar(int c) { return tc.test(c); }
                };
            }
            return new NGramTokenizer(min, max) {
                @Override protected boolean isTokenChar(int c) { return tc.test(c); }
            };
        });
    }
}
