// The ngram and edge_ngram token filters (Lucene's NGramTokenFilter/EdgeNGramTokenFilter), normally from analysis-common.
package consult.es;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.TokenFilterFactory;

/** ngram / edge_ngram token filters (index.max_ngram_diff is not enforced). */
final class NGramFilterFactory implements TokenFilterFactory {
    private final String name;
    private final boolean edge;
    private final int minGram, maxGram;
    private final boolean preserveOriginal;

    NGramFilterFactory(String name, Settings s, boolean edge) {
        this.name = name;
        this.edge = edge;
        this.minGram = s.getAsInt("min_gram", 1);
        this.maxGram = s.getAsInt("max_gram", 2);
        this.preserveOriginal = s.getAsBoolean("preserve_original", false);
    }

    @Override public String name() { return name; }

    @Override
    public TokenStream create(TokenStream ts) {
        return edge ? new EdgeNGramTokenFilter(ts, minGram, maxGram, preserveOriginal)
                    : new NGramTokenFilter(ts, minGram, maxGram, preserveOriginal);
    }
}
