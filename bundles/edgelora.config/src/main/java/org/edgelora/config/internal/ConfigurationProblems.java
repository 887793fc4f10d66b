package org.edgelora.config.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/** What is wrong with one configuration, judged by the metatype definition of its PID. */
final class ConfigurationProblems {

    /** Properties that ConfigAdmin, fileinstall and DS add or read themselves; not the component's. */
    private static final List<String> FRAMEWORK_KEY_PREFIXES =
            List.of("service.", "felix.fileinstall.", "component.", ":org.apache.felix.", "osgi.ds.");

    /** One problem, worded for the operator who edits the file. */
    record Problem(String message, boolean badValue) {}

    private ConfigurationProblems() {}

    static List<Problem> of(String source, Dictionary<String, Object> properties, ObjectClassDefinition definition) {
        List<Problem> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>();
        AttributeDefinition[] attributes = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition attribute : attributes == null ? new AttributeDefinition[0] : attributes) {
            known.add(attribute.getID());
            Object value = properties.get(attribute.getID());
            if (value == null) {
                continue;
            }
            for (String element : elements(value)) {
                String reason = attribute.validate(element);
                if (reason != null && !reason.isEmpty()) {
                    problems.add(new Problem(source + ": key '" + attribute.getID() + "' = '" + element + "': " + reason, true));
                }
            }
        }
        for (String key : Collections.list(properties.keys())) {
            if (!known.contains(key) && FRAMEWORK_KEY_PREFIXES.stream().noneMatch(key::startsWith)) {
                problems.add(new Problem(source + ": key '" + key + "' is not a setting of " + definition.getName()
                        + " and is ignored; known keys: " + known, false));
            }
        }
        return problems;
    }

    private static List<String> elements(Object value) {
        List<String> elements = new ArrayList<>();
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(String.valueOf(Array.get(value, i)));
            }
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(v -> elements.add(String.valueOf(v)));
        } else {
            elements.add(String.valueOf(value));
        }
        return elements;
    }
}
