package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CaptionWriterTest {
    private static Scene scene(List<SceneObject> objects) {
        Camera cam = new Camera(new Vec3(0, 4, 8), new Vec3(0, 0.5, 0), 50, 64, 64);
        return new Scene(cam, new Vec3(0, 1, 0), objects, 25, 0, 8.7, new Vec3(0, 0.5, 0), 60);
    }

    @Test
    void countsGroupsAndRelatesObjectsLeftToRight() {
        Scene s = scene(List.of(
                SceneObject.shaped(Shape.CUBE, NamedColor.RED, Material.MATTE, Size.LARGE, -2, 0, 0),
                SceneObject.shaped(Shape.SPHERE, NamedColor.BLUE, Material.SHINY, Size.SMALL, 0, 0, 0),
                SceneObject.shaped(Shape.CUBE, NamedColor.RED, Material.MATTE, Size.SMALL, 2, 0, 0),
                SceneObject.shaped(Shape.CONE, NamedColor.ORANGE, Material.MATTE, Size.SMALL, 0, -3, 0)));
        String c = CaptionWriter.caption(s, 3, new SplittableRandom(1));
        assertThat(c).matches("(a photo|a picture|an image|a rendering) of .*")
                .contains("two red cubes, a blue sphere and an orange cone on the ground.")
                .contains("the large red cube is left of the blue sphere.")
                .contains("the blue sphere is in front of the orange cone.")
                .contains("the orange cone is behind the small red cube.")
                .contains("the blue sphere is shiny.");
        assertThat(CaptionWriter.caption(s, 3, new SplittableRandom(1))).isEqualTo(c);
        assertThat(CaptionWriter.caption(s, 1, new SplittableRandom(1)).split("\\.")).hasSize(3);
    }

    @Test
    void indistinguishableObjectsAreCountedButNotReferredTo() {
        Scene s = scene(List.of(
                SceneObject.shaped(Shape.CYLINDER, NamedColor.GREEN, Material.MATTE, Size.SMALL, -1.5, 0, 0),
                SceneObject.shaped(Shape.CYLINDER, NamedColor.GREEN, Material.MATTE, Size.SMALL, 1.5, 0, 0)));
        String c = CaptionWriter.caption(s, 3, new SplittableRandom(1));
        assertThat(c).endsWith("of two green cylinders on the ground.");
    }

    @Test
    void anEmptySceneSaysSo() {
        assertThat(CaptionWriter.caption(scene(List.of()), 3, new SplittableRandom(4)))
                .endsWith("an empty ground plane under the sky.");
    }

    @Test
    void everyGeneratedCaptionMentionsEveryObjectsColourAndShape() {
        SynthSettings settings = TestSettings.with("resolution = 32, humans-probability = 0.5");
        for (int i = 0; i < 20; i++) {
            SynthSample sample = SynthWorld.sample(settings, i);
            String caption = sample.caption();
            assertThat(caption).isLowerCase().endsWith(".").doesNotContain("  ");
            JsonObject scene = JsonParser.parseString(sample.json(SynthFile.SCENE)).getAsJsonObject();
            for (JsonElement e : scene.getAsJsonArray("objects")) {
                JsonObject o = e.getAsJsonObject();
                String cls = o.get("class_name").getAsString();
                String color = o.get("color").getAsString();
                assertThat(caption).as("sample %d", i).contains(color);
                if (cls.equals("person")) {
                    assertThat(caption).containsAnyOf("a person in ", " people in ");
                    assertThat(caption).containsAnyOf(color + " shirt", color + " shirts");
                } else {
                    assertThat(caption).containsAnyOf(color + " " + cls, color + " " + cls + "s");
                }
            }
        }
    }
}
