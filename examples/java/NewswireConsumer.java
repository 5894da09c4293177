// Read newswire topics (comma-separated) with the Java client, as a consumer group, or by
// assignment of every partition when GROUP is "-". Prints "topic<TAB>key<TAB>event JSON"
// per event; stops IDLE seconds after the last one. Run from source (JDK 17+) with
// kafka-clients on the class path (pom.xml beside this file resolves it):
//   java -cp "$(mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" \
//        NewswireConsumer.java 127.0.0.1:9092 newswire.articles my-service 10
import java.time.Duration; import java.util.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.common.TopicPartition; import org.apache.kafka.common.serialization.*;

public class NewswireConsumer {
    public static void main(String[] args) {
        List<String> topics = List.of(args[1].split(",")); String group = args[2];
        int idle = Integer.parseInt(args[3]), quiet = 0, seen = 0;
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        props.put("auto.offset.reset", "earliest");
        if (!group.equals("-")) props.put("group.id", group);
        props.put("max.poll.interval.ms", "10000"); // the embedded broker: a 5 s join,
        props.put("session.timeout.ms", "10000");   // not 150 s
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            if (group.equals("-")) {
                List<TopicPartition> all = topics.stream().flatMap(t -> consumer.partitionsFor(t)
                        .stream().map(p -> new TopicPartition(t, p.partition()))).toList();
                consumer.assign(all);
                consumer.seekToBeginning(all);
            } else consumer.subscribe(topics);
            while (seen == 0 || quiet < idle) {
                var records = consumer.poll(Duration.ofSeconds(1));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                seen += records.count();
                for (ConsumerRecord<String, String> r : records)
                    System.out.println(r.topic() + "\t" + r.key() + "\t" + r.value());
            }
        }
    }
}
